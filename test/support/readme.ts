// What the README gives users to copy, read back by the tests that prove it works.

/** The YAML between the compose-snippet markers of a Markdown file. */
export function composeSnippet(markdown: string): string | undefined {
  return /<!-- compose-snippet:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- compose-snippet:end -->/.exec(markdown)?.[1];
}
