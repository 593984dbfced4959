export { renderConfigFragment } from './render-config';
export type { RenderedFragment } from './render-config';
export type * from './model';
