const graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The first character as a reader sees it: a whole emoji (👩‍⚕️, 🇵🇹) or a letter with its accent, never half of one. */
export function firstGrapheme(text: string): string {
  if (!text) return '';
  if (graphemes) return graphemes.segment(text)[Symbol.iterator]().next().value?.segment ?? '';
  return Array.from(text)[0] ?? '';
}

/** "Ana Sofia Costa" → "AC": the first and last words' first characters, leaving out titles ("Dr.", "Dr.ª"). */
export function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter((part) => part && !part.includes('.'))
    .filter((_, index, all) => index === 0 || index === all.length - 1)
    .map((part) => firstGrapheme(part).toUpperCase())
    .join('');
}
