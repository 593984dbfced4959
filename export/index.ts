export { renderConfigFragment } from './render-config';
export type { RenderedFragment } from './render-config';
export { readExportedSetup, EXPORT_SCOPES, ExportError } from './read';
export type { ReadSetupOptions, ReadSetupResult } from './read';
export type * from './model';
