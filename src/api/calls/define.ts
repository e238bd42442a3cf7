import type { z } from 'zod';

/** One entry of the contract: a zod schema for what goes in and one for what comes out. */
export interface CallDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for humans: what the call does. */
  summary: string;
}

export function defineCall<I extends z.ZodType, O extends z.ZodType>(def: CallDef<I, O>): CallDef<I, O> {
  return def;
}

/**
 * The local contract's version of a UI call (CLI, tests): the same input and summary, an output that also says where
 * the file was written on this machine. The handler returns the wider object; on the UI surface the UI schema's output
 * drops what it does not name (zod objects strip unknown keys), so a path never reaches the page.
 */
export function withLocalOutput<I extends z.ZodType, O extends z.ZodType>(def: CallDef<I, z.ZodType>, output: O): CallDef<I, O> {
  return { ...def, output };
}
