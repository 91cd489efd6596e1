/** Built-in synthetic scenes by name; every generator is a pure function of its Rng and size. */
import type { Rng } from "../../util/rng";
import type { ImageHWC } from "../../array";
import { deadLeaves } from "./dead-leaves";
import { naturalScene } from "./natural";
import { siemensStar } from "./siemens-star";
import { slantedEdge } from "./slanted-edge";
import { whiteNoise } from "./white-noise";

export { deadLeaves, naturalScene, siemensStar, slantedEdge, whiteNoise };
export { fractalNoise } from "./natural";

export type SceneGenerator = (rng: Rng, height: number, width: number, channels: number) => ImageHWC;

export const sceneGenerators: Record<string, SceneGenerator> = {
  dead_leaves: (rng, h, w, c) => deadLeaves(rng, h, w, c),
  // the fixed targets vary their geometry per sample so a dataset of them is not one image repeated
  slanted_edge: (rng, h, w, c) => slantedEdge(h, w, c, { angleDeg: rng.uniform(2, 12) * (rng.random() < 0.5 ? -1 : 1), dark: rng.uniform(0.1, 0.3), bright: rng.uniform(0.7, 0.9) }),
  siemens_star: (rng, h, w, c) => siemensStar(h, w, c, { spokes: rng.choice([16, 24, 36, 48]), profile: rng.random() < 0.5 ? "bar" : "sine" }),
  natural: (rng, h, w, c) => naturalScene(rng, h, w, c),
  white_noise: (rng, h, w, c) => whiteNoise(rng, h, w, c),
};

export const sceneNames = Object.keys(sceneGenerators);
