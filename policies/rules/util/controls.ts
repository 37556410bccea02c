/**
 * Controls as flat strings, e.g. ["PSS:restricted/capabilities", "CIS-K8s-5.2.8", "C-0046"]:
 * the form reports use and the form the pack publishes as policy tags, so an Analyzer
 * client learns each rule's controls from GetAnalyzerInfo without importing the rules.
 */
import type { Controls } from "../types";

export function controlTags(controls: Controls): string[] {
    const tags: string[] = [];
    if (controls.pss) tags.push(`PSS:${controls.pss}`);
    if (controls.cis) tags.push(controls.cis);
    if (controls.kubescape) tags.push(controls.kubescape);
    return tags;
}

/** True for a tag produced by `controlTags` (other tags a rule carries are not controls). */
export function isControlTag(tag: string): boolean {
    return tag.startsWith("PSS:") || tag.startsWith("CIS-") || /^C-\d{4}$/.test(tag);
}
