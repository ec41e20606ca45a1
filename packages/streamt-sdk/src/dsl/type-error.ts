declare const STREAMT_TYPE_ERROR: unique symbol;

/**
 * A type that no value has, whose name carries a message. Methods put it where a parameter type would
 * be when a call is misused, so the editor shows e.g.
 * `Argument of type 'string' is not assignable to parameter of type 'StreamtTypeError<"tumble() needs ...">'`.
 */
export interface StreamtTypeError<Message extends string> {
  readonly [STREAMT_TYPE_ERROR]: Message;
}

/** Flattens intersections so a hover shows the real columns of a row. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};
