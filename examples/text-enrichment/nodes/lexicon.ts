// Word lists for the enrichment nodes: a few dozen stopwords and sentiment words per
// language. Deliberately tiny, so the heuristics stay readable; real systems use
// larger lists or models. This is a plain data module that the node modules import;
// enrich.graph does not `use` it, so none of its exports is a node.

/** The languages the heuristics know. */
export type Language = "en" | "de" | "fr";

/** All languages, in the order used to break ties (the first wins). */
export const LANGUAGES: readonly Language[] = ["en", "de", "fr"];

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/**
 * Frequent function words per language. Tokens are split at apostrophes, so the lists
 * hold the pieces: "don't" gives "don" and "t", "l'eau" gives "l" and "eau".
 */
export const STOPWORDS: Record<Language, ReadonlySet<string>> = {
  en: words(`
    a an the and or but if of to in on at by for with from as into about over after
    before under between through during until while because than then so such
    is are was were be been being am do does did done have has had having will would
    can could should may might must shall it its this that these those there here
    i me my you your he him his she her we us our they them their who whom which what
    when where why how all any both each few more most other some own same only very
    too just also not no nor now still again once s t don isn aren wasn doesn didn
  `),
  de: words(`
    der die das den dem des ein eine einer eines einem einen und oder aber denn wenn
    weil dass als wie so auch noch nur schon sehr ist sind war waren bin bist sein
    seid hat haben hatte wird werden wurde kann können muss nicht kein keine keinen
    mit von zu zum zur im in am an auf für aus bei nach über unter vor durch um bis
    es er sie wir ihr ich du man sich mich dich uns euch mein meine dein deine unser
    diese dieser dieses jeder jede jedes was wer wo hier dort doch ja nein dann
  `),
  fr: words(`
    le la les l un une des du de d et ou mais donc car si que qu qui quoi dont où
    est sont était étaient être a ont avait avoir fait il elle ils elles on nous vous
    je j tu me m te se s ce c cet cette ces mon ma mes ton ta tes son sa ses notre nos
    votre vos leur leurs dans sur sous pour par avec sans en au aux chez entre vers
    ne n pas plus très aussi comme tout tous toute toutes bien encore déjà y
  `),
};

/** Words that count towards a positive (+1) or negative (-1) sentiment, per language. */
export const SENTIMENT: Record<Language, { positive: ReadonlySet<string>; negative: ReadonlySet<string> }> = {
  en: {
    positive: words(`
      good great excellent love loved like liked enjoy enjoyed happy pleased delighted
      wonderful fast friendly helpful easy easier reliable recommend beautiful perfect
      best better win clear smooth simple impressive
    `),
    negative: words(`
      bad poor terrible awful hate hated slow broken late hard difficult confusing
      disappointing disappointed problem problems fail failed failure expensive worst
      worse annoying fragile flaky bug bugs crash ugly
    `),
  },
  de: {
    positive: words(`
      gut gute guter besser toll super hervorragend schön schnell freundlich
      zuverlässig einfach empfehlen empfehle liebe perfekt klar zufrieden
    `),
    negative: words(`
      schlecht schlechte langsam kaputt schwierig schwer teuer enttäuschend enttäuscht
      problem probleme fehler ärgerlich schrecklich instabil
    `),
  },
  fr: {
    positive: words(`
      bon bonne bons excellent excellente super génial rapide agréable facile simple
      parfait parfaite aime recommande content contente clair fiable
    `),
    negative: words(`
      mauvais mauvaise lent lente cassé difficile cher chère décevant déçu problème
      problèmes erreur erreurs nul horrible fragile
    `),
  },
};

/**
 * Words that flip the sentiment of a word that follows within two tokens ("not good",
 * "don't like": the tokens "don" and "t" both negate).
 */
export const NEGATORS: Record<Language, ReadonlySet<string>> = {
  en: words(`not no never without don doesn didn isn wasn aren t`),
  de: words(`nicht kein keine keinen nie ohne`),
  fr: words(`pas jamais sans aucun aucune`),
};
