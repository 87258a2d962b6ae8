/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Map tiles, e.g. https://tile.example.org/{z}/{x}/{y}.png; empty: no tiles, the route alone. */
  readonly VITE_TILE_URL?: string;
  readonly VITE_TILE_ATTRIBUTION?: string;
  /** The runs service's upload limit in bytes, when not its default of 25 MiB. */
  readonly VITE_MAX_UPLOAD_BYTES?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
