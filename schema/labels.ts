/**
 * A name with the word that says what it is ("Quầy", "Kênh"), said once: "Quầy 1" and "Kênh Mã QR"
 * already say it, so they go alone; any other name gets the word before it ("Quầy: Tiếp nhận hồ
 * sơ"). Pure (no DOM, no Node): both web apps use it.
 */
export function labelOnce(word: string, name: string, separator = ': '): string {
  const head = name.slice(0, word.length);
  const next = name.charAt(word.length);
  const saysIt = head.toLocaleLowerCase('vi') === word.toLocaleLowerCase('vi') && !/[\p{L}\p{N}]/u.test(next);
  return saysIt ? name : `${word}${separator}${name}`;
}
