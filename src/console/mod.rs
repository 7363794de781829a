//! placeholder until the console lands.
