/**
 * The cdktf app (cdktf.json "app", run by `npx cdktf synth` by hand): one stack per environment of
 * tollgate.config.ts, consuming tollgate as a user's project does. `npx tollgate` synthesizes
 * in-process and does not need this file.
 */
import { synthesizeApp } from 'tollgate';

synthesizeApp();
