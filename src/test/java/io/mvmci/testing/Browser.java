package io.mvmci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium driven by chromedriver, both Debian's ({@code apt-get install chromium
 * chromium-driver}, as {@code .ci/run} does): Selenium is given both paths, so it downloads nothing.
 * A test that needs it is skipped (an assumption) on a machine without them. Other paths:
 * {@code MVMCI_CHROMIUM}, {@code MVMCI_CHROMEDRIVER}.
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("MVMCI_CHROMIUM", "/usr/bin/chromium"));
  public static final Path DRIVER = Path.of(System.getenv().getOrDefault("MVMCI_CHROMEDRIVER", "/usr/bin/chromedriver"));

  public final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a browser, or skips the test when there is none. */
  public static Browser start() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "no headless browser here: apt-get install chromium chromium-driver (.ci/run does)");
    try {
      Path profile = Files.createTempDirectory("mvmci-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--disable-background-networking", "--disable-component-update", "--no-first-run",
          "--disable-extensions", "--window-size=1280,900", "--user-data-dir=" + profile);
      options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
          .usingAnyFreePort().build();
      return new Browser(new ChromeDriver(service, options), profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Browser open(String url) {
    driver.get(url);
    return this;
  }

  /** Waits (up to 20 s) for the element {@code css} selects, and answers it. */
  public WebElement await(String css) {
    return waiting().until(d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0);
    });
  }

  /** Waits (up to 20 s) until {@code css} selects an element whose text contains {@code text}. */
  public WebElement awaitText(String css, String text) {
    return waiting().until((ExpectedCondition<WebElement>) d ->
        d.findElements(By.cssSelector(css)).stream().filter(e -> e.getText().contains(text)).findFirst().orElse(null));
  }

  /**
   * Clicks the element {@code css} selects, waiting (up to 20 s) for it; an element the page replaced
   * between finding and clicking (a live table or a summary redrawn by an event) is found again.
   */
  public void click(String css) {
    waiting().until(d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      if (found.isEmpty()) {
        return false;
      }
      found.get(0).click();
      return true;
    });
  }

  /** A wait of up to 20 s that looks again at elements the page replaced while it looked. */
  public WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  public Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** The console's errors since the last call (severe entries: failed loads, uncaught exceptions). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
  }

  /** Saves a screenshot as {@code dir/name.png}. */
  public void screenshot(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      TestDirs.delete(profile);
    }
  }
}
