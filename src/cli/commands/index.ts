import type { Command } from "commander";
import { registerDataset } from "./dataset";
import { registerDoctor } from "./doctor";
import { registerPsf } from "./psf";
import { registerQuickstart } from "./quickstart";

/** Sub-command registrations, one per stage (each stage's issue adds its line here). */
export const commands: Array<(program: Command) => void> = [registerDoctor, registerPsf, registerQuickstart, registerDataset];
