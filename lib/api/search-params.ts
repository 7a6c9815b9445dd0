// Query strings into zod schemas. Empty values count as absent (forms and links send `from=`),
// unknown parameters are ignored (the schemas strip them), and a parameter given twice reaches the
// schema as an array, which a single-valued field rejects naming the parameter.
import type { z } from "zod";

export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  // No prototype: a parameter named __proto__ or constructor is a parameter like any other.
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of params) {
    if (value === "") continue;
    const prev = out[key];
    // Appended in place: copying the array each time made a name repeated n times cost n² (3,000
    // repeats held the event loop for 100 ms).
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

/** Throws the ZodError (mapped to 400 naming the parameter by `apiRoute`). */
export function parseSearchParams<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  return schema.parse(searchParamsObject(params));
}

export function parseQuery<S extends z.ZodType>(schema: S, request: Request): z.output<S> {
  return parseSearchParams(schema, new URL(request.url).searchParams);
}
