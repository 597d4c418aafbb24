// Native oracle: Maven's own ComparableVersion (Debian libmaven3-core-java).
// Reads "a<TAB>b" lines (Maven versions never contain tabs) and prints -1/0/1.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenOracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        StringBuilder out = new StringBuilder();
        String line;
        while ((line = in.readLine()) != null) {
            String[] p = line.split("\t", -1);
            int c = new ComparableVersion(p[0]).compareTo(new ComparableVersion(p[1]));
            out.append(Integer.signum(c)).append('\n');
        }
        System.out.print(out);
    }
}
