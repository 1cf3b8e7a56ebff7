/** A tstzrange literal '[start,end)' for the given instants. */
export function periodLiteral(start: Date, end: Date): string {
  return `[${start.toISOString()},${end.toISOString()})`;
}
