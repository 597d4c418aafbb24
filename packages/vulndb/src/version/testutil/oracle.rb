# Native oracle: Ruby's own Gem::Version. One JSON value per line on stdin:
# mode "gem" reads [a, b] pairs and prints -1/0/1 (E when rejected),
# mode "gem-valid" reads strings and prints 1/0 for Gem::Version.correct?.
require "json"
require "rubygems"
mode = ARGV[0]
out = STDIN.each_line.map do |line|
  x = JSON.parse(line)
  if mode == "gem-valid"
    Gem::Version.correct?(x) ? "1" : "0"
  else
    begin
      (Gem::Version.new(x[0]) <=> Gem::Version.new(x[1])).to_s
    rescue ArgumentError
      "E"
    end
  end
end
STDOUT.write(out.join("\n") + "\n")
