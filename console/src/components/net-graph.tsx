// STAND-IN: replaced by the components helper's version at merge
/** The net's layers, as a plain list of names (the real one draws layers and blobs as a graph). */
import type { NetGraphProps } from '../contracts';

export default function NetGraph({ prototxt }: NetGraphProps) {
  const names = [...prototxt.matchAll(/^\s*name:\s*"([^"]*)"/gm)].slice(1).map((m) => m[1]);
  return (
    <figure class="net-graph">
      <figcaption>Layers</figcaption>
      <ol>
        {names.map((name, i) => (
          <li key={`${i}-${name}`}>{name}</li>
        ))}
      </ol>
    </figure>
  );
}
