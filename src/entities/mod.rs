//! Entities: the collections rules iterate over (`k8s.containers`, `compose.services`, `docs`…),
//! derived from the loaded documents, with the cross-document indexes built once.
