// Other spellings of a path that a router, a proxy or a browser may read as the same path (or
// as a path under it): percent-encoded letters in lower and upper case hex, double encoding,
// other letter case, doubled slashes, dot segments (plain and encoded), encoded slashes and
// backslashes, and characters after the end.

const hex = (ch: string, upper: boolean) => {
  const h = ch.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? h.toUpperCase() : h}`;
};

/** `path` with the letter at index `i` percent-encoded. */
const encodeAt = (path: string, i: number, upper: boolean) =>
  path.slice(0, i) + hex(path[i]!, upper) + path.slice(i + 1);

export function spellings(path: string): string[] {
  const out = new Set<string>();
  const segments = path.split('/').slice(1);
  const first = segments[0]!;
  const rest = path.slice(first.length + 1);
  // Every letter of the first segment, one at a time (lower case hex), and the first letter of
  // every later segment (upper case hex).
  for (let i = 1; i <= first.length; i++) out.add(encodeAt(path, i, false));
  let at = first.length + 1;
  for (const seg of segments.slice(1)) {
    if (/^[a-z]/i.test(seg)) out.add(encodeAt(path, at + 1, true));
    at += seg.length + 1;
  }
  out.add(path.replace(/[a-z]/gi, (c) => hex(c, false)));
  out.add(path.replace(/[a-z]/gi, (c) => hex(c, true)));
  out.add(`/%25${path.charCodeAt(1).toString(16)}${path.slice(2)}`);
  // Letter case.
  out.add(path.toUpperCase());
  out.add(`/${first[0]!.toUpperCase()}${first.slice(1)}${rest}`);
  // Slashes and dot segments.
  out.add(`/${path}`);
  out.add(`/${first}/${rest}`);
  out.add(`/./${path.slice(1)}`);
  out.add(`/${first}/.${rest}`);
  out.add(`/x/../${path.slice(1)}`);
  out.add(`/${first}/x/..${rest}`);
  out.add(`/${first}/%2e${rest}`);
  out.add(`/${first}/x/%2e%2e${rest}`);
  out.add(`/${first}/x/%2E%2E${rest}`);
  out.add(`/${first}%2f${rest.slice(1)}`);
  out.add(`/${first}%2F${rest.slice(1)}`);
  out.add(path.replace(/\//g, '%2F'));
  out.add(`/${first}\\${rest.slice(1)}`);
  out.add(`/${first}%5c${rest.slice(1)}`);
  // Characters after the end.
  for (const tail of ['/', '//', ';', ';x=1', '%20', '.', '%2e', '%09', '~', '%23', '%3F', '?x=1', '%00', '/.', '/..'])
    out.add(path + tail);
  out.delete(path);
  return [...out];
}
