/**
 * Where Velero's objects are: read by the component and by `infra dr`. Kept free of the Pulumi
 * SDK, so the CLI reads them without loading it.
 */

export const VELERO_API = "velero.io/v1";
/** The Schedule's name, the `schedule` label of Velero's metrics and of its backups; `infra dr` reads it by this name. */
export const SCHEDULE_NAME = "platform";
/** The namespace Velero runs in: its own, since its server holds cluster-wide rights. */
export const VELERO_NAMESPACE = "velero";
