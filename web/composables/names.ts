// Region names per UI language. English district names from the server may carry a " District"
// suffix; the panel headings already say "district", and on the map the suffix only crowds
// the labels, so it is dropped for display. A region without a name in one language (a city
// whose boundary files name it once) shows the other.
export function regionDisplayName(locale: string, nameZh: string, nameEn: string): string {
  return locale.startsWith('zh') ? nameZh || nameEn : (nameEn || nameZh).replace(/ District$/, '');
}
