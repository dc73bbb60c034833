/**
 * A test's own verdict in formats that only count leaves (JUnit, KernelCI JSON). A guest test that timed
 * out or aborted after 20 passing checks, or a suite whose result line says `not ok` while its cases
 * passed, has no failing leaf: those formats would show it as passing. Such a node gets one more leaf,
 * named as the node, carrying its status, reason and failure detail, and counted in it and every ancestor.
 * kunit.py's own JUnit and JSON do not do this, so kunit-compatible output leaves it off.
 */

import { addStatus, newTestNode, type TestNode } from '../ktap/model.js';
import { isFailingStatus } from '../ktap/status.js';

function verdictLeaf(node: TestNode): TestNode {
  const leaf = newTestNode(`${node.id}/verdict`, node.name);
  leaf.status = node.status;
  leaf.directive = node.directive;
  leaf.reason = node.reason;
  leaf.durationMs = node.durationMs;
  leaf.failures =
    node.failures.length > 0 ? [...node.failures] : node.reason ? [{ message: node.reason }] : [];
  addStatus(leaf.counts, node.status);
  return leaf;
}

/** Adds the verdict leaves in place (below the root only: a root has no verdict of its own). */
export function addVerdictCases(root: TestNode): void {
  const visit = (node: TestNode, ancestors: readonly TestNode[]): void => {
    const path = [...ancestors, node];
    for (const child of [...node.subtests]) if (child.subtests.length > 0) visit(child, path);
    const hidden = node.counts.failed + node.counts.crashed === 0;
    if (ancestors.length === 0 || !isFailingStatus(node.status) || !hidden) return;
    const leaf = verdictLeaf(node);
    node.subtests.push(leaf);
    for (const n of path) addStatus(n.counts, leaf.status);
  };
  visit(root, []);
}
