// The graph view's words, localized here (the webview cannot call vscode.l10n): templates
// keep their {0}, {1}, ... for the webview to fill in, so each is given its own
// placeholders as arguments.
import * as vscode from "vscode";
import type { ViewStrings } from "../../webview/view-strings";

const [P0, P1, P2] = ["{0}", "{1}", "{2}"];

export function graphViewStrings(): ViewStrings {
  return {
    states: {
      pending: vscode.l10n.t("pending"),
      running: vscode.l10n.t("running"),
      ran: vscode.l10n.t("ran"),
      cached: vscode.l10n.t("cached"),
      pinned: vscode.l10n.t("pinned"),
      skipped: vscode.l10n.t("skipped"),
      failed: vscode.l10n.t("failed"),
      edited: vscode.l10n.t("edited"),
      stale: vscode.l10n.t("stale"),
    },
    kinds: {
      function: vscode.l10n.t("function"),
      map: vscode.l10n.t("map"),
      subgraph: vscode.l10n.t("subgraph"),
    },
    mappedSubgraph: vscode.l10n.t("map subgraph"),
    progress: vscode.l10n.t("{0} of {1}", P0, P1),
    took: vscode.l10n.t("took {0}", P0),
    milliseconds: vscode.l10n.t("{0} ms", P0),
    seconds: vscode.l10n.t("{0} s", P0),
    minutes: vscode.l10n.t("{0} min {1} s", P0, P1),
    when: vscode.l10n.t("when {0}", P0),
    pinned: vscode.l10n.t("pinned output"),
    output: vscode.l10n.t("an output of the graph"),
    current: vscode.l10n.t("the run is stopped here"),
    changed: vscode.l10n.t("{0}: {1}", P0, P1),
    stoppedAt: vscode.l10n.t("stopped at {0}", P0),
    manyChanged: vscode.l10n.t("{0} nodes changed state", P0),
    finished: vscode.l10n.t("the run finished"),
    loopStats: vscode.l10n.t("{0} waiting · {1} in flight · {2} jobs/s", P0, P1, P2),
    unframedLoop: vscode.l10n.t("loop {0}: {1}", P0, P1),
    oneError: vscode.l10n.t("This file has an error: the graph shows its last version without errors."),
    errors: vscode.l10n.t("This file has {0} errors: the graph shows its last version without errors.", P0),
    oneErrorNoPicture: vscode.l10n.t("This file has an error and has not checked clean yet: there is no graph to show."),
    errorsNoPicture: vscode.l10n.t("This file has {0} errors and has not checked clean yet: there is no graph to show.", P0),
    noPicture: vscode.l10n.t("No graph to show yet: waiting for the language server."),
    production: vscode.l10n.t("Production"),
    productionTitle: vscode.l10n.t("Show each loop's waiting and in-flight jobs and jobs per second, from the production Redis"),
    pictureLabel: vscode.l10n.t("graph {0}, {1} nodes", P0, P1),
    pictureLabelOneNode: vscode.l10n.t("graph {0}, 1 node", P0),
    layoutFailed: vscode.l10n.t("The graph could not be laid out: {0}", P0),
  };
}
