/**
 * Controls as flat strings, e.g. ["PSS:restricted/capabilities", "CIS-K8s-5.2.8", "CIS-EKS-4.2.7",
 * "NSA-CISA:pod-security", "AWS-FSBP:EKS.1", "C-0046"]: the form reports use and the form the
 * pack publishes as policy tags, so an Analyzer client learns each rule's controls from
 * GetAnalyzerInfo without importing the rules.
 */
import type { Controls } from "../types";

/** The tags of a rule's controls, in a fixed order. */
export function controlTags(controls: Controls): string[] {
    const tags: string[] = [];
    if (controls.pss) tags.push(`PSS:${controls.pss.level}/${controls.pss.control}`);
    for (const id of controls.cisKubernetes ?? []) tags.push(`CIS-K8s-${id}`);
    for (const id of controls.cisEks ?? []) tags.push(`CIS-EKS-${id}`);
    for (const id of controls.cisAws ?? []) tags.push(`CIS-AWS-${id}`);
    if (controls.nsaCisa) tags.push(`NSA-CISA:${controls.nsaCisa}`);
    for (const id of controls.awsFsbp ?? []) tags.push(`AWS-FSBP:${id}`);
    tags.push(...(controls.kubescape ?? []));
    return tags;
}

/** True for a tag produced by `controlTags` (other tags a rule carries are not controls). */
export function isControlTag(tag: string): boolean {
    return /^(PSS:|CIS-|NSA-CISA:|AWS-FSBP:)/.test(tag) || /^C-\d{4}$/.test(tag);
}
