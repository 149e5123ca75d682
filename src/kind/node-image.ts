/**
 * The Kind node image every profile uses, pinned by version AND digest.
 *
 * Kind's release notes say a node image is only guaranteed to work with the
 * Kind release it was built for, and only when referenced by digest (tags
 * are re-pushed). This is the default image of Kind v0.30.0, taken from
 * that release's source (pkg/apis/config/defaults/image.go at tag v0.30.0).
 *
 * Kubernetes 1.34 is chosen because it is inside the support window of both
 * pinned network layers (Istio 1.30 supports 1.32–1.36; Cilium 1.18 is e2e
 * tested up to 1.33 and runs on 1.34), and because the integration tests run
 * a kube-apiserver of the same minor (scripts/tools/versions.env).
 *
 * To bump: take the image line for the wanted minor from the release notes of
 * the Kind release you install, change all three fields, and run the Kind
 * tests (test/unit/components/kind.test.ts).
 */
export const KIND_NODE_IMAGE = {
  kubernetesVersion: "v1.34.0",
  digest: "sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a",
  /** The Kind release the image was built for; older Kind CLIs may not start it. */
  kindVersion: "v0.30.0",
} as const;

/** "kindest/node:v1.34.0@sha256:…", the form Kind's `image:` field takes. */
export const KIND_NODE_IMAGE_REF = `kindest/node:${KIND_NODE_IMAGE.kubernetesVersion}@${KIND_NODE_IMAGE.digest}`;
