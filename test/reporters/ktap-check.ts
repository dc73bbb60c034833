/**
 * Test helper: a strict structural check of KTAP v1 as the KTAP writer emits it (4-space nesting). Every
 * line must be a version line, a plan, a diagnostic or a result line at the indentation of its document;
 * results in a document are numbered 1..n and match the plan when there is one; each nested document is
 * closed by a result line one level up. Returns the results as `indent:number:ok:name` strings.
 */

const RESULT = /^(ok|not ok) ([0-9]+)(?: (.*))?$/;

interface Doc {
  level: number;
  plan: number | undefined;
  count: number;
}

export function checkKtap(text: string): string[] {
  if (!text.endsWith('\n')) throw new Error('KTAP text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== 'KTAP version 1') throw new Error(`first line is not a version line: ${lines[0]}`);
  const stack: Doc[] = [{ level: 0, plan: undefined, count: 0 }];
  const results: string[] = [];
  lines.slice(1).forEach((raw, i) => {
    const where = `line ${i + 2}: ${JSON.stringify(raw)}`;
    const indent = /^ */.exec(raw)?.[0].length ?? 0;
    if (indent % 4 !== 0) throw new Error(`${where}: indentation not a multiple of 4`);
    const level = indent / 4;
    const line = raw.slice(indent);
    let top = stack.at(-1) as Doc;
    if (level === top.level - 1 && RESULT.test(line)) {
      // A result line one level up closes the nested document (the suite's own result).
      checkPlan(stack.pop() as Doc, where);
      top = stack.at(-1) as Doc;
    }
    if (line === 'KTAP version 1') {
      if (level !== top.level + 1) throw new Error(`${where}: nested version at wrong level`);
      stack.push({ level, plan: undefined, count: 0 });
      return;
    }
    if (level !== top.level) throw new Error(`${where}: expected level ${top.level}`);
    if (line.startsWith('#')) return;
    const plan = /^1\.\.([0-9]+)$/.exec(line);
    if (plan) {
      if (top.count > 0 || top.plan !== undefined) throw new Error(`${where}: plan after results`);
      top.plan = Number(plan[1]);
      return;
    }
    const result = RESULT.exec(line);
    if (!result) throw new Error(`${where}: not a KTAP line`);
    if (Number(result[2]) !== top.count + 1) throw new Error(`${where}: expected number ${top.count + 1}`);
    top.count++;
    results.push(`${level}:${result[2]}:${result[1]}:${result[3] ?? ''}`);
  });
  if (stack.length !== 1) throw new Error(`nested document at level ${stack.at(-1)?.level} never closed`);
  checkPlan(stack[0] as Doc, 'end of input');
  return results;
}

function checkPlan(doc: Doc, where: string): void {
  if (doc.plan !== undefined && doc.plan !== doc.count) {
    throw new Error(`${where}: plan 1..${doc.plan} but ${doc.count} results at level ${doc.level}`);
  }
}
