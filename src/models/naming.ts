/**
 * State-dict naming conventions of published weights, per architecture, and their automatic
 * detection. Our parameter names are the original research code's; a checkpoint may instead use
 * the upstream project's names (megvii NAFNet's beta/gamma, diffusers' legacy attention names) and
 * may carry a wrapper prefix (`model.` from the original's Hugging Face wrapper, `module.` from
 * DataParallel). Detection tries every convention of the architecture with every prefix the file's
 * names share and keeps the one that covers the most of our parameters.
 */

export interface NamingConvention {
  /** Short id, e.g. "megvii". */
  id: string;
  /** What a person reads, e.g. "upstream megvii NAFNet names (beta/gamma)". */
  description: string;
  /** A file name (wrapper prefix removed) -> our name. */
  toOurs(name: string): string;
  /** Our name -> the name this convention gives it. */
  fromOurs(name: string): string;
}

const identity = (description: string, id: string): NamingConvention => ({ id, description, toOurs: (n) => n, fromOurs: (n) => n });

/** Renames of whole dotted components (`a.b.beta` <-> `a.b.theta`, `query` <-> `to_out.0` style). */
function renamed(id: string, description: string, pairs: Array<[theirs: string, ours: string]>): NamingConvention {
  const component = (s: string) => new RegExp(`(^|\\.)${s.replace(/\./g, "\\.")}(?=\\.|$)`, "g");
  const there = pairs.map(([theirs, ours]) => [component(theirs), ours] as const);
  const back = pairs.map(([theirs, ours]) => [component(ours), theirs] as const);
  const apply = (n: string, rules: ReadonlyArray<readonly [RegExp, string]>) => rules.reduce((s, [re, to]) => s.replace(re, `$1${to}`), n);
  return { id, description, toOurs: (n) => apply(n, there), fromOurs: (n) => apply(n, back) };
}

/** Conventions by network class name, the first being the one our own checkpoints use. */
const conventions: Record<string, NamingConvention[]> = {
  NAFNet_arch: [
    identity("the original research code's NAFNet names (theta/psi)", "original"),
    renamed("megvii", "upstream megvii NAFNet names (beta/gamma)", [
      ["beta", "theta"],
      ["gamma", "psi"],
    ]),
  ],
  Restormer_arch: [identity("swz30 Restormer names (the original uses them too)", "swz30")],
  Unet_arch: [
    identity("diffusers UNet2DModel names (the original uses them too)", "diffusers"),
    renamed("diffusers-legacy", "diffusers < 0.14 attention names (query/key/value/proj_attn)", [
      ["query", "to_q"],
      ["key", "to_k"],
      ["value", "to_v"],
      ["proj_attn", "to_out.0"],
    ]),
  ],
};

/** Wrapper prefixes a checkpoint's names may carry, with what they mean. */
export const wrapperPrefixes: Array<{ prefix: string; meaning: string }> = [
  { prefix: "", meaning: "no prefix" },
  { prefix: "model.", meaning: "prefix 'model.' (the original's Hugging Face wrapper)" },
  { prefix: "module.", meaning: "prefix 'module.' (torch DataParallel)" },
  { prefix: "net.", meaning: "prefix 'net.'" },
  { prefix: "model.net.", meaning: "prefix 'model.net.'" },
  { prefix: "module.model.", meaning: "prefix 'module.model.' (DataParallel around the original's wrapper)" },
];

export function namingConventions(className: string): NamingConvention[] {
  return conventions[className] ?? [identity("our parameter names", "ours")];
}

export interface NamingMatch {
  convention: NamingConvention;
  prefix: string;
  /** Our name for each file name that maps to one of ours. */
  mapping: Map<string, string>;
  /** Our names no file name maps to. */
  missing: string[];
  /** File names that map to none of ours. */
  unexpected: string[];
}

/** "upstream megvii NAFNet names (beta/gamma), no prefix". */
export function describeMatch(m: Pick<NamingMatch, "convention" | "prefix">): string {
  const p = wrapperPrefixes.find((w) => w.prefix === m.prefix)?.meaning ?? `prefix '${m.prefix}'`;
  return `${m.convention.description}, ${p}`;
}

/**
 * The convention and prefix under which `fileNames` cover the most of `ourNames` (ties: fewer
 * unexpected names, then the order of the lists). An explicit `prefix` is the only one tried.
 */
export function matchNaming(fileNames: string[], ourNames: string[], candidates: NamingConvention[], prefix?: string): NamingMatch {
  const ours = new Set(ourNames);
  const prefixes = prefix !== undefined ? [prefix] : wrapperPrefixes.map((w) => w.prefix).filter((p) => p === "" || fileNames.some((n) => n.startsWith(p)));
  let best: (NamingMatch & { covered: number }) | null = null;
  for (const p of prefixes) {
    for (const convention of candidates) {
      const mapping = new Map<string, string>();
      const unexpected: string[] = [];
      const hit = new Set<string>();
      for (const n of fileNames) {
        const mine = n.startsWith(p) ? convention.toOurs(n.slice(p.length)) : null;
        if (mine !== null && ours.has(mine) && !hit.has(mine)) {
          mapping.set(n, mine);
          hit.add(mine);
        } else unexpected.push(n);
      }
      const covered = hit.size;
      if (!best || covered > best.covered || (covered === best.covered && unexpected.length < best.unexpected.length))
        best = { convention, prefix: p, mapping, unexpected, missing: ourNames.filter((n) => !hit.has(n)), covered };
    }
  }
  const { covered: _covered, ...match } = best!;
  return match;
}
