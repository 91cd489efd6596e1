import type { Command } from "commander";
import { registerDoctor } from "./doctor";

/** Sub-command registrations, one per stage (each stage's issue adds its line here). */
export const commands: Array<(program: Command) => void> = [registerDoctor];
