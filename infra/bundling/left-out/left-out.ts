/**
 * Stand-ins for packages that a bundled library requires when it loads but that no function ever
 * runs (infra/bundling/aliases.ts says, for each, why it cannot run). A stand-in has the shape its
 * requirer reads at load time, and whatever it offers throws when called, naming the package, so
 * that code reaching one after all fails at once and says why instead of misbehaving.
 */

export interface LeftOutShape {
  /** Members that are functions or classes (each throws when called or constructed). */
  readonly members?: readonly string[];
}

export function leftOutError(pkg: string): Error {
  return new Error(
    `${pkg} is not in this function's bundle: it was replaced at build time because nothing the` +
      ' function runs uses it (infra/bundling/aliases.ts). Something now does: take its alias out.',
  );
}

/** A function standing for `pkg` (module.exports of a stand-in); it and its members throw. */
export function leftOut(pkg: string, shape: LeftOutShape = {}): unknown {
  // A function expression, not an arrow: `new` on it must reach the throw too.
  const standIn = function leftOutOfBundle(): never {
    throw leftOutError(pkg);
  };
  for (const name of shape.members ?? []) {
    Object.defineProperty(standIn, name, {
      value: function leftOutOfBundle(): never {
        throw leftOutError(`${pkg} (${name})`);
      },
      enumerable: true,
    });
  }
  return standIn;
}
