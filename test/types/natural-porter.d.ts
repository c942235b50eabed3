// natural ships types for its package root only; its Porter stemmer is what src/analyze/porter.ts is held to.
declare module "natural/lib/natural/stemmers/porter_stemmer.js" {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
