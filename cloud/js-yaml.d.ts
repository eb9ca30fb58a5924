// js-yaml is in the tree (a dependency of the build tools) without its types; the deployment test reads compose.yaml with `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
