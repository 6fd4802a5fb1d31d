/**
 * A setup several tests of a file observe, made once by whichever of them asks first: no test
 * depends on another having run before it, and none repeats what another already did.
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
