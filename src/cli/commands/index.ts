import type { Command } from "commander";
import { registerBasis } from "./basis";
import { registerDataset } from "./dataset";
import { registerDoctor } from "./doctor";
import { registerPsf } from "./psf";
import { registerQuickstart } from "./quickstart";
import { registerRender } from "./render";
import { registerMetrics } from "./metrics";
import { registerMtf } from "./mtf";
import { registerTrain } from "./train";
import { registerWeights } from "./weights";

/** Sub-command registrations, one per stage (each stage's issue adds its line here). */
export const commands: Array<(program: Command) => void> = [registerDoctor, registerPsf, registerQuickstart, registerDataset, registerBasis, registerRender, registerMetrics, registerMtf, registerTrain, registerWeights];
