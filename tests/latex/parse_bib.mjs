// Parse a .bib file with @retorquere/bibtex-parser (Better BibTeX's parser): print errors, keys and titles as JSON.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const entry = process.env.READLIST_NODE_MODULES + "/@retorquere/bibtex-parser/dist/esm/index.js";
const { parse } = await import(pathToFileURL(entry).href);
const lib = parse(readFileSync(process.argv[2], "utf8"), { sentenceCase: false });
console.log(JSON.stringify({
  errors: lib.errors,
  entries: lib.entries.map((e) => ({ key: e.key, type: e.type, title: e.fields.title ?? "" })),
}));
