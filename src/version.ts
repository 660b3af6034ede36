/** This library's version (kept equal to deno.json's). */
export const version = "0.1.0";
