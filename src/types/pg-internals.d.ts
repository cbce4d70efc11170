// pg's row parser and parameter serialiser, which the pipelined submittable reuses so rows and
// parameters are converted exactly as pg's own queries convert them.
declare module 'pg/lib/result.js' {
  const Result: unknown;
  export default Result;
}
declare module 'pg/lib/utils.js' {
  const utils: { prepareValue(value: unknown): unknown };
  export default utils;
}
