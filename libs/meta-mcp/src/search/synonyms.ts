import { analyze, processTerm } from './tokenize.js';

/**
 * Requests use everyday words and file extensions; tool catalogs use API verbs and application names. Each line maps
 * request words (left) to the catalog words they also stand for (right). Query side only, so a catalog that does use
 * the everyday word still matches it directly. General vocabulary, not names of particular tools; words whose stem
 * is ambiguous ("directly" and "directions" both stem to "direct", "share" a file or a stock) are left out.
 */
const LINES = `
save store export persist: write
find lookup look query seek locate: search
show display view fetch retrieve obtain: get
remove erase: delete
make generate build produce: create
picture photo pic photograph png jpg jpeg svg gif webp: image
md: markdown
doc docx: word document
xls xlsx: excel spreadsheet
ppt pptx slides deck: powerpoint presentation
py: python
js: javascript
ts: typescript
wav mp3 flac: audio
mp4 mov: video
txt: text
modify alter revise: edit update
difference compare changes: diff compare
open load: read
cost quote: price
equity ticker: stock
stock: ticker
headline headlines story stories: news
hot popular viral: trending
forecast: weather
itinerary commute: route direction
near around surrounding: nearby
film cinema: movie
song: music
graph plot diagram visualize visualization: chart
website site webpage homepage: web page
browse visit navigate: browser web page
compute estimate: calculate
summarize summarise overview: summary
publication preprint: paper
repo: repository
lib libs library dependency dependencies: package
mail: email
todo: task
memo: note
cook cooking dish dishes meal: recipe
hotel hostel lodging accommodation homestay: accommodation stay
btc bitcoin eth ethereum cryptocurrency coin: crypto
forex fx: exchange rate currency
terminal shell cli bash: command
folder: directory
combine concatenate: merge
advice advise suggest recommendation: recommend
buy purchase shopping: product shopping
electronics gadget gadgets: digital device
smartphone iphone: phone
today tomorrow yesterday now tonight: current date time
`;

let table: Map<string, string[]> | undefined;

/** Index terms a query term also stands for (both sides analysed, so stems line up). */
export function synonymsOf(term: string): string[] {
  if (!table) {
    table = new Map();
    for (const line of LINES.trim().split('\n')) {
      const [words, means] = line.split(':');
      const targets = analyze(means);
      for (const word of words.trim().split(/\s+/)) {
        const key = processTerm(word);
        if (!key) continue;
        const known = table.get(key) ?? [];
        table.set(key, [...known, ...targets.filter((t) => t !== key && !known.includes(t))]);
      }
    }
  }
  return table.get(term) ?? [];
}
