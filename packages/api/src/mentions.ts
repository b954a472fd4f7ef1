/** The `@username`s of a text, lower-cased, each once (the store keeps those of members). */
export function mentionedUsernames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/(?<![\w.@])@([a-zA-Z0-9_.]{3,32})/g)) {
    const name = match[1]!.replace(/\.+$/, '').toLowerCase();
    if (name.length >= 3) names.add(name);
  }
  return [...names];
}
