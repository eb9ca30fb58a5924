// js-yaml is in the tree (a dependency of the build tools) without its types; the OpenAPI test needs only `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
