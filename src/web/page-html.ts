/** The page's HTML: a shell the script (page.ts) fills, its settings in meta tags. */

export interface PageOptions {
  /** Where hits link to: the archive's article pages, `BASE/NNN/QNNNNNN/` (DEFAULT_ARTICLE_BASE in site.ts). */
  articleBase?: string;
  /** The base path of kbsearch serve's HTTP API (`/api`): the page searches through it instead of reading index files. */
  api?: string;
  /** Files the page's script will fetch first (what opening the index reads), asked for beside the script rather than after it has run. */
  preload?: string[];
}

const escapeAttribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function pageHtml(options: PageOptions): string {
  const metas = [
    options.articleBase ? `<meta name="kbsearch-articles" content="${escapeAttribute(options.articleBase)}">` : "",
    options.api ? `<meta name="kbsearch-api" content="${escapeAttribute(options.api)}">` : "",
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Search the Microsoft Knowledge Base archive</title>
${metas.join("\n")}
<link rel="stylesheet" href="kbsearch.css">
${(options.preload ?? []).map((path) => `<link rel="preload" href="${escapeAttribute(path)}" as="fetch" crossorigin="anonymous">`).join("\n")}
<script src="kbsearch.js" defer></script>
</head>
<body>
<header class="top">
  <h1><a href="./">KB archive search</a></h1>
  <form id="search" role="search" action="./">
    <label for="q">Search the Microsoft Knowledge Base archive (1988–2002)</label>
    <div class="box">
      <input id="q" name="q" type="search" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="hint" aria-controls="results" placeholder="heap corruption, &quot;access violation&quot;, product:exchange">
      <button type="submit">Search</button>
    </div>
    <p id="hint" class="hint">Press <kbd>/</kbd> to search, <kbd>↓</kbd> <kbd>↑</kbd> to move through hits, <kbd>Enter</kbd> to open, <kbd>Esc</kbd> to go back.</p>
  </form>
  <details id="syntax">
    <summary>Query syntax</summary>
    <table>
      <tr><th scope="row"><code>heap corruption</code></th><td>words, ranked: articles holding most of the rarer words first</td></tr>
      <tr><th scope="row"><code>"could not open the file"</code></th><td>a phrase, word for word</td></tr>
      <tr><th scope="row"><code>-printer</code>, <code>NOT printer</code></th><td>leave out articles holding the word (or <code>-"a phrase"</code>)</td></tr>
      <tr><th scope="row"><code>exchange OR outlook mta</code></th><td>either word; <code>OR</code> binds tighter than the words around it</td></tr>
      <tr><th scope="row"><code>conf*</code></th><td>any word starting with <code>conf</code></td></tr>
      <tr><th scope="row"><code>product:exchange</code>, <code>product:"sql server"</code></th><td>articles about that product</td></tr>
      <tr><th scope="row"><code>tag:XADM</code>, <code>kw:kbbug</code>, <code>os:winnt</code>, <code>version:4.0</code></th><td>title tag, keyword, operating system, version</td></tr>
      <tr><th scope="row"><code>section:symptoms</code></th><td>the words all stand in that section</td></tr>
      <tr><th scope="row"><code>year:1999</code>, <code>modified:1998..1999</code>, <code>before:2000</code>, <code>after:1998</code></th><td>last-modified date</td></tr>
      <tr><th scope="row"><code>Q149387</code>, <code>kb 149387</code></th><td>that article first</td></tr>
    </table>
  </details>
</header>
<main id="main">
  <p id="status" role="status" aria-live="polite"></p>
  <div id="results-view">
    <p id="didyoumean" hidden></p>
    <ul id="filters" class="chips" aria-label="Active filters" hidden></ul>
    <div class="layout">
      <section class="hits" aria-labelledby="status">
        <ol id="results"></ol>
        <button id="more" type="button" hidden>More results</button>
      </section>
      <aside id="facets" aria-label="Narrow by product, tag or year"></aside>
    </div>
  </div>
  <article id="article" hidden aria-labelledby="article-title"></article>
</main>
<noscript><p>The search runs in your browser: it needs JavaScript.</p></noscript>
</body>
</html>
`;
}
