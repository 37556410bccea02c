/** Secret store rules (External Secrets Operator): each app reads only its own folder, through its own IAM role. */
import type { Rule } from "../types";
import { externalSecretOwnPath } from "./external-secret-own-path";
import { secretStoreIrsa } from "./secret-store-irsa";

export const secretRules: Rule[] = [externalSecretOwnPath, secretStoreIrsa];
