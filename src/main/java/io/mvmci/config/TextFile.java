package io.mvmci.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a UTF-8 text file named in the configuration; a failure says why, for an operator. */
final class TextFile {
  private TextFile() {}

  /** Why {@link #read} failed, worded for a message: {@code no such file}, ... */
  static final class Unreadable extends Exception {
    Unreadable(String reason) {
      super(reason, null, false, false);
    }
  }

  static String read(String path) throws Unreadable {
    try {
      Path p = Path.of(path);
      if (Files.isDirectory(p)) {
        throw new Unreadable("is a directory, not a file");
      }
      return Files.readString(p);
    } catch (InvalidPathException e) {
      throw new Unreadable("is not a valid path: " + e.getReason());
    } catch (NoSuchFileException e) {
      throw new Unreadable("no such file");
    } catch (AccessDeniedException e) {
      throw new Unreadable("permission denied");
    } catch (MalformedInputException e) {
      throw new Unreadable("is not UTF-8 text");
    } catch (IOException e) {
      throw new Unreadable("cannot be read: " + e);
    }
  }
}
