"""Generated protobuf code for ``proto/interview.proto`` (regenerate: ``make proto``)."""
