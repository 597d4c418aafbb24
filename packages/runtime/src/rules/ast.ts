/**
 * The syntax tree of a Falco condition. Offsets are character positions in the
 * condition text so load errors can be reported as file:line:column.
 */
export const BINARY_OPERATORS = [
  "=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "contains",
  "icontains",
  "bcontains",
  "startswith",
  "bstartswith",
  "endswith",
  "glob",
  "iglob",
  "regex",
  "in",
  "intersects",
  "pmatch",
] as const;
export type BinaryOperator = (typeof BINARY_OPERATORS)[number];
export type Operator = BinaryOperator | "exists";

/** Operators whose right side is a parenthesised list. */
export const LIST_OPERATORS: ReadonlySet<Operator> = new Set(["in", "intersects", "pmatch"]);

export const TRANSFORMERS = ["tolower", "toupper", "b64", "basename", "len"] as const;
export type Transformer = (typeof TRANSFORMERS)[number];

/** A field reference such as `proc.aname[2]` or `tolower(proc.name)`. */
export interface FieldRef {
  name: string;
  /** The text between brackets, e.g. "2" in proc.aname[2]. */
  arg?: string;
  /** Outermost last: toupper(basename(x)) → ["basename", "toupper"]. */
  transformers: Transformer[];
  offset: number;
}

/** One literal value; `quoted` values are never taken as list names. */
export interface Literal {
  text: string;
  quoted: boolean;
  offset: number;
}

export type Value =
  | { kind: "literal"; literal: Literal }
  | { kind: "list"; items: Literal[]; offset: number }
  | { kind: "field"; field: FieldRef; offset: number };

export type Condition =
  | { kind: "and"; items: Condition[] }
  | { kind: "or"; items: Condition[] }
  | { kind: "not"; expr: Condition }
  | { kind: "macro"; name: string; offset: number }
  | { kind: "compare"; field: FieldRef; op: Operator; value?: Value; offset: number };
