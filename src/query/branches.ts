/**
 * Turns a query tree into the alternatives an article may satisfy (its disjunctive normal form):
 * each branch is a plain query ranked as today's queries are, with the phrases it requires and
 * the words and phrases it excludes. `a OR b c` is the branches `a c` and `b c`; an article ranks
 * by the best branch it satisfies. Negation is pushed down to words and phrases first.
 */
import type { QueryNode } from "./syntax.js";

/** The most branches a query expands to; past this its ORs are read as plain words. */
export const MAX_BRANCHES = 16;

export interface Branch {
  /** Its words and phrases in query order, ranked as a plain query. */
  text: string;
  /** Words typed with `*`: any index term starting with them matches. */
  prefixes: string[];
  /** Phrases an article must say, word for word. */
  phrases: string[];
  /** Words and phrases an article must not hold. */
  without: string[];
}

type Leaf = { node: Extract<QueryNode, { kind: "word" | "phrase" }>; negated: boolean };

export function toBranches(tree: QueryNode, warnings: string[]): Branch[] {
  const alternatives = expand(pushNegation(tree, false));
  if (alternatives) return alternatives.map(toBranch);
  warnings.push(`the ORs expand to more than ${MAX_BRANCHES} alternatives: all the words are searched as one plain query`);
  return [toBranch(leavesOf(tree, false).filter((leaf) => !leaf.negated))];
}

/** The tree with every NOT moved onto a word or phrase (De Morgan). */
function pushNegation(node: QueryNode, negated: boolean): QueryNode {
  switch (node.kind) {
    case "not":
      return pushNegation(node.node, !negated);
    case "and":
    case "or": {
      const kind = (node.kind === "and") !== negated ? "and" : "or";
      return { kind, nodes: node.nodes.map((n) => pushNegation(n, negated)) };
    }
    default:
      return negated ? { kind: "not", node } : node;
  }
}

/** The conjunctions of leaves the tree (negation pushed down) is the OR of; undefined past MAX_BRANCHES. */
function expand(node: QueryNode): Leaf[][] | undefined {
  switch (node.kind) {
    case "not":
      return [[{ node: node.node as Leaf["node"], negated: true }]];
    case "word":
    case "phrase":
      return [[{ node, negated: false }]];
    case "or": {
      const out: Leaf[][] = [];
      for (const child of node.nodes) {
        const alternatives = expand(child);
        if (!alternatives || out.length + alternatives.length > MAX_BRANCHES) return undefined;
        out.push(...alternatives);
      }
      return out;
    }
    case "and": {
      let out: Leaf[][] = [[]];
      for (const child of node.nodes) {
        const alternatives = expand(child);
        if (!alternatives || out.length * alternatives.length > MAX_BRANCHES) return undefined;
        out = out.flatMap((left) => alternatives.map((right) => [...left, ...right]));
      }
      return out;
    }
  }
}

function leavesOf(node: QueryNode, negated: boolean): Leaf[] {
  if (node.kind === "not") return leavesOf(node.node, !negated);
  if (node.kind === "and" || node.kind === "or") return node.nodes.flatMap((n) => leavesOf(n, negated));
  return [{ node, negated }];
}

function toBranch(leaves: Leaf[]): Branch {
  const branch: Branch = { text: "", prefixes: [], phrases: [], without: [] };
  const ranked: string[] = [];
  for (const { node, negated } of leaves) {
    if (negated) branch.without.push(node.text);
    else if (node.kind === "phrase") {
      branch.phrases.push(node.text);
      ranked.push(node.text);
    } else if (node.prefix) branch.prefixes.push(node.text);
    else ranked.push(node.text);
  }
  branch.text = ranked.join(" ");
  return branch;
}
