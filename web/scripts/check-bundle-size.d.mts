export declare const BUDGET_BYTES: number;
export declare function initialScripts(html: string): string[];
export declare function initialJsSize(dist: string): {
  files: Array<{ url: string; gzip: number }>;
  total: number;
};
