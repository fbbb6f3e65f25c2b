// `-- lint-accept: <rule-id> <reason>` (or `//` in TypeScript): a reviewed
// decision, written in the migration itself, that a rule's findings are safe
// in this file. Without a known rule and a reason it accepts nothing and is a
// finding of its own.
import { finding, isRuleId, type LintFinding, type RuleId } from './rules.ts';

const ACCEPT = /(?:--|\/\/)\s*lint-accept:\s*(\S*)\s*(.*)$/;

export function applyAcceptances(findings: readonly LintFinding[], source: string, file: string): LintFinding[] {
  const reasons = new Map<RuleId, string>();
  const invalid: LintFinding[] = [];
  source.split(/\r?\n/).forEach((text, index) => {
    const match = ACCEPT.exec(text);
    if (!match) return;
    const [, rule = '', reason = ''] = match;
    const line = index + 1;
    if (!isRuleId(rule))
      invalid.push(
        finding(
          'invalid-accept',
          file,
          line,
          rule ? `lint-accept names an unknown rule '${rule}'` : 'lint-accept names no rule',
        ),
      );
    else if (reason.trim() === '')
      invalid.push(finding('invalid-accept', file, line, `lint-accept of ${rule} gives no reason`));
    else if (!reasons.has(rule)) reasons.set(rule, reason.trim());
  });
  const accepted = findings.map((f) => (reasons.has(f.rule) ? { ...f, accepted: reasons.get(f.rule) } : f));
  return [...accepted, ...invalid];
}
