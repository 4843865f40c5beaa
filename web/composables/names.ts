// Region names per UI language. English district names from the server carry a " District"
// suffix; the panel headings already say "district", and on the map the suffix only crowds
// the labels, so it is dropped for display.
export function regionDisplayName(locale: string, nameZh: string, nameEn: string): string {
  return locale.startsWith('zh') ? nameZh : nameEn.replace(/ District$/, '');
}
