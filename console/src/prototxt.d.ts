/** Prototxt files are bundled as text (console/build.ts: loader `.prototxt: 'text'`). */
declare module '*.prototxt' {
  const text: string;
  export default text;
}
