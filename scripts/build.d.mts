// Types of build.mjs (plain JavaScript, so the launchers run it without a TypeScript loader).
export declare const DIST: string;
export declare function compiledUrl(url: string): string | null;
export declare function isStale(): boolean;
export declare function build(): Promise<number>;
export declare function ensureBuilt(): Promise<void>;
