// The structure of a Declarative Jenkinsfile, checked where no Jenkins can run: the file is parsed
// by Groovy itself (to its AST, nothing is executed) and the `pipeline { }` block is walked the way
// Declarative's own validator reads it. Checked: the sections this generator always writes (agent,
// stages, post), only directives Declarative knows in each place, no directive twice, every stage
// with steps (or nested stages, parallel, matrix), the top-level Docker image pinned by digest, and
// that every project file a `sh` step names (src/train.py, deploy/render.sh, ...) exists.
//
//   java -cp groovy.jar groovy.ui.GroovyMain declarative.groovy JENKINSFILE PROJECT_DIR
//
// Prints one `Jenkinsfile:LINE: problem` per problem and exits 1, or prints what it found and exits 0.
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.messages.SyntaxErrorMessage

if (args.length != 2) {
  System.err.println('usage: declarative.groovy JENKINSFILE PROJECT_DIR')
  System.exit(2)
}
File file = new File(args[0])
File project = new File(args[1])
String shown = file.name

// Declarative's sections and directives (jenkins.io/doc/book/pipeline/syntax), and the options and
// triggers of the plugins this generator's Jenkinsfiles use.
Map<String, Set<String>> ALLOWED = [
  pipeline  : ['agent', 'environment', 'libraries', 'options', 'parameters', 'post', 'stages', 'tools', 'triggers'],
  stage     : ['agent', 'environment', 'failFast', 'input', 'matrix', 'options', 'parallel', 'post', 'stages', 'steps', 'tools', 'when'],
  when      : ['allOf', 'anyOf', 'beforeAgent', 'beforeInput', 'beforeOptions', 'branch', 'buildingTag', 'changeRequest', 'changelog',
               'changeset', 'environment', 'equals', 'expression', 'not', 'tag', 'triggeredBy'],
  post      : ['aborted', 'always', 'changed', 'cleanup', 'failure', 'fixed', 'regression', 'success', 'unstable', 'unsuccessful'],
  agent     : ['any', 'docker', 'dockerfile', 'kubernetes', 'label', 'node', 'none'],
  docker    : ['alwaysPull', 'args', 'containerPerStageRoot', 'customWorkspace', 'image', 'label', 'registryCredentialsId', 'registryUrl', 'reuseNode'],
  input     : ['id', 'message', 'ok', 'parameters', 'submitter', 'submitterParameter'],
  options   : ['buildDiscarder', 'checkoutToSubdirectory', 'copyArtifactPermission', 'disableConcurrentBuilds', 'disableRestartFromStage',
               'disableResume', 'newContainerPerStage', 'overrideIndexTriggers', 'parallelsAlwaysFailFast', 'preserveStashes', 'quietPeriod',
               'retry', 'skipDefaultCheckout', 'skipStagesAfterUnstable', 'timeout', 'timestamps'],
  triggers  : ['cron', 'pollSCM', 'upstream'],
  parameters: ['booleanParam', 'choice', 'credentials', 'password', 'string', 'text'],
].collectEntries { k, v -> [k, v as Set] }
// The body each stage needs: exactly one of these.
Set<String> BODIES = ['steps', 'stages', 'parallel', 'matrix'] as Set

List<String> problems = []
List<String> stages = []
Set<String> scripts = new TreeSet<>()
def problem = { node, String message -> problems << "${shown}:${node?.lineNumber > 0 ? node.lineNumber : 1}: ${message}".toString() }

CompilerConfiguration config = new CompilerConfiguration()
CompilationUnit unit = new CompilationUnit(config)
unit.addSource(shown, file.getText('UTF-8'))
try {
  unit.compile(Phases.CONVERSION)
} catch (MultipleCompilationErrorsException e) {
  e.errorCollector.errors.each { error ->
    if (error instanceof SyntaxErrorMessage) {
      def cause = error.cause
      problems << "${shown}:${cause.line}:${cause.startColumn}: Groovy syntax error: ${cause.originalMessage}".toString()
    } else {
      problems << "${shown}: ${error}".toString()
    }
  }
  problems.each { println it }
  System.exit(1)
}

/** The calls a block holds: `name(args)` and `name { ... }` statements, in order. Anything else is reported. */
def calls = { ClosureExpression closure, String section ->
  List<MethodCallExpression> out = []
  BlockStatement block = closure.code as BlockStatement
  block.statements.each { Statement s ->
    Expression e = s instanceof ExpressionStatement ? s.expression : null
    if (e instanceof MethodCallExpression && e.implicitThis) out << e
    else if (e instanceof VariableExpression && section == 'agent') out << new MethodCallExpression(VariableExpression.THIS_EXPRESSION, e.name, ArgumentListExpression.EMPTY_ARGUMENTS).tap { lineNumber = e.lineNumber }
    else problem(s, "${section}: expected a directive, found `${s.text.take(60)}`")
  }
  out
}
def argList = { MethodCallExpression call -> call.arguments instanceof ArgumentListExpression ? ((ArgumentListExpression) call.arguments).expressions : [] }
def closureOf = { MethodCallExpression call -> argList(call).find { it instanceof ClosureExpression } as ClosureExpression }
def stringOf = { Expression e -> e instanceof ConstantExpression && e.value instanceof String ? (String) e.value : (e instanceof GStringExpression ? e.text : null) }

/** Directives of a section: each known in it, none twice; returns them by name. */
def directives = { ClosureExpression closure, String section, Set<String> allowed ->
  Map<String, MethodCallExpression> seen = [:]
  calls(closure, section).each { call ->
    String name = call.methodAsString
    if (!allowed.contains(name)) {
      def near = allowed.min { levenshtein(it, name) }
      problem(call, "${section}: unknown directive `${name}`${levenshtein(near, name) <= 3 ? " (did you mean `${near}`?)" : ''}; ${section} takes ${allowed.sort().join(', ')}")
    } else if (seen.containsKey(name) && section != 'when' && !(section in ['allOf', 'anyOf'])) {
      problem(call, "${section}: `${name}` appears twice")
    }
    seen[name] = call
  }
  seen
}

/** Every `sh` step below a steps block (inside script { }, dir { }, withX { } too), and the project files it names. */
def checkSteps
checkSteps = { ClosureExpression closure, String where ->
  closure.code.visit(new org.codehaus.groovy.ast.CodeVisitorSupport() {
    @Override
    void visitMethodCallExpression(MethodCallExpression call) {
      if (call.methodAsString == 'sh') {
        def first = argList(call)[0]
        String script = first instanceof MapExpression
          ? stringOf(first.mapEntryExpressions.find { stringOf(it.keyExpression) == 'script' }?.valueExpression)
          : (call.arguments instanceof TupleExpression && !(call.arguments instanceof ArgumentListExpression)
            ? stringOf(((TupleExpression) call.arguments).expressions[0]?.mapEntryExpressions?.find { stringOf(it.keyExpression) == 'script' }?.valueExpression)
            : stringOf(first))
        if (script == null) problem(call, "${where}: a sh step without a script")
        else {
          // A relative path ending in .py or .sh is a file of the project (`python src/x.py`, `bash deploy/y.sh`).
          script.split(/[\s'"`;|&()=<>]+/).findAll { it ==~ /(\.\/)?([\w.-]+\/)*[\w-][\w.-]*\.(py|sh)/ }.each { path ->
            String relative = path.replaceFirst(/^\.\//, '')
            scripts << relative
            if (!new File(project, relative).isFile()) problem(call, "${where}: sh runs ${relative}, which the project does not have")
          }
        }
      }
      super.visitMethodCallExpression(call)
    }
  })
}

/** environment { NAME = value ... }: assignments only. */
def checkEnvironment = { MethodCallExpression d, String where ->
  def inner = closureOf(d)
  if (inner == null) { problem(d, "${where}: environment needs a block"); return }
  inner.code.statements.each { s ->
    def e = s instanceof ExpressionStatement ? s.expression : null
    if (!(e instanceof BinaryExpression && e.operation.text == '=' && e.leftExpression instanceof VariableExpression))
      problem(s, "${where}: environment takes NAME = value, found `${s.text.take(60)}`")
  }
}

def checkWhen
checkWhen = { ClosureExpression closure, String section ->
  def found = directives(closure, section, ALLOWED.when)
  found.each { name, call ->
    if (name in ['not', 'allOf', 'anyOf']) {
      def inner = closureOf(call)
      if (inner == null) problem(call, "${section}: `${name}` needs a block of conditions")
      else {
        def conditions = calls(inner, name)
        if (conditions.isEmpty()) problem(call, "${section}: `${name}` has no conditions")
        if (name == 'not' && conditions.size() > 1) problem(call, "${section}: `not` takes one condition")
        checkWhen(inner, name)
      }
    }
  }
  if (section == 'when' && found.keySet().every { it.startsWith('before') }) problem(closure, 'when: no condition')
}

def checkStages
checkStages = { MethodCallExpression stagesCall, String where ->
  def body = closureOf(stagesCall)
  if (body == null) { problem(stagesCall, "${where}: stages needs a block"); return }
  def list = calls(body, 'stages')
  if (list.isEmpty()) problem(stagesCall, "${where}: stages has no stage")
  list.each { call ->
    if (call.methodAsString != 'stage') { problem(call, "stages: expected stage('name') { ... }, found `${call.methodAsString}`"); return }
    String name = stringOf(argList(call)[0])
    ClosureExpression stage = closureOf(call)
    if (name == null || stage == null) { problem(call, "stages: expected stage('name') { ... }"); return }
    if (stages.contains(name)) problem(call, "stage '${name}': another stage has the same name")
    stages << name
    def found = directives(stage, "stage '${name}'", ALLOWED.stage)
    def bodies = found.keySet().intersect(BODIES)
    if (bodies.isEmpty()) problem(call, "stage '${name}' has no steps (nor stages, parallel or matrix)")
    if (bodies.size() > 1) problem(call, "stage '${name}' has more than one of ${bodies.sort().join(', ')}")
    found.each { directive, d ->
      def inner = closureOf(d)
      switch (directive) {
        case 'steps':
          if (inner == null || calls(inner, "stage '${name}' steps").isEmpty()) problem(d, "stage '${name}': steps is empty")
          else checkSteps(inner, "stage '${name}'")
          break
        case 'stages': checkStages(d, "stage '${name}'"); break
        case 'parallel':
          if (inner == null) problem(d, "stage '${name}': parallel needs a block of stages")
          else checkStages(new MethodCallExpression(VariableExpression.THIS_EXPRESSION, 'stages', new ArgumentListExpression(inner)).tap { lineNumber = d.lineNumber }, "stage '${name}' parallel")
          break
        case 'when':
          if (inner == null) problem(d, "stage '${name}': when needs a block")
          else checkWhen(inner, 'when')
          break
        case 'environment': checkEnvironment(d, "stage '${name}'"); break
        case 'input':
          if (inner == null) problem(d, "stage '${name}': input needs a block")
          else if (!directives(inner, 'input', ALLOWED.input).containsKey('message')) problem(d, "stage '${name}': input has no message")
          break
        case 'agent':
          if (inner != null) directives(inner, 'agent', ALLOWED.agent)
          else if (!(argList(d)[0] instanceof VariableExpression && argList(d)[0].name in ['any', 'none'])) problem(d, "stage '${name}': agent takes any, none or a block")
          break
        case 'post':
          if (inner != null) directives(inner, 'post', ALLOWED.post).each { _, c -> if (closureOf(c)) checkSteps(closureOf(c), "stage '${name}' post") }
          break
      }
    }
  }
}

static int levenshtein(String a, String b) {
  int[] prev = (0..b.length()) as int[]
  for (int i = 1; i <= a.length(); i++) {
    int[] cur = new int[b.length() + 1]
    cur[0] = i
    for (int j = 1; j <= b.length(); j++) cur[j] = [prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)].min()
    prev = cur
  }
  prev[b.length()]
}

def module = unit.AST.modules[0]
def top = module.statementBlock.statements.collect { it instanceof ExpressionStatement ? it.expression : null }
def pipelines = top.findAll { it instanceof MethodCallExpression && it.methodAsString == 'pipeline' }
if (pipelines.size() != 1) problem(null, pipelines.isEmpty() ? 'no pipeline { } block: not a Declarative Pipeline' : 'more than one pipeline { } block')
if (top.size() != pipelines.size() && pipelines.size() == 1) problem(module.statementBlock, 'statements outside pipeline { }: Declarative allows none')
if (pipelines.size() == 1) {
  MethodCallExpression pipeline = pipelines[0]
  ClosureExpression body = closureOf(pipeline)
  if (body == null) problem(pipeline, 'pipeline needs a block')
  else {
    def found = directives(body, 'pipeline', ALLOWED.pipeline)
    ['agent', 'stages', 'post'].findAll { !found.containsKey(it) }.each { problem(pipeline, "pipeline has no ${it} section") }
    found.each { name, d ->
      def inner = closureOf(d)
      switch (name) {
        case 'stages': checkStages(d, 'pipeline'); break
        case 'agent':
          if (inner == null) { problem(d, 'agent: this generator always runs in a pinned Docker image, agent { docker { image ... } }'); break }
          def kinds = directives(inner, 'agent', ALLOWED.agent)
          def docker = kinds.docker
          def dockerBody = docker ? closureOf(docker) : null
          if (dockerBody == null) { problem(d, 'agent has no docker { image ... } block'); break }
          def image = directives(dockerBody, 'docker', ALLOWED.docker).image
          String ref = image ? stringOf(argList(image)[0]) : null
          if (ref == null) problem(docker, 'docker agent has no image')
          else if (!(ref ==~ /[^@\s]+@sha256:[0-9a-f]{64}/)) problem(image, "docker agent image ${ref} is not pinned by digest (NAME@sha256:<64 hex>)")
          break
        case 'options': case 'triggers': case 'parameters':
          if (inner == null) problem(d, "${name} needs a block")
          else directives(inner, name, ALLOWED[name])
          break
        case 'environment': checkEnvironment(d, 'pipeline'); break
        case 'post':
          if (inner == null) problem(d, 'post needs a block')
          else {
            def conditions = directives(inner, 'post', ALLOWED.post)
            if (conditions.isEmpty()) problem(d, 'post has no condition')
            conditions.each { _, c -> closureOf(c) ? checkSteps(closureOf(c), 'post') : problem(c, 'post condition needs a block') }
          }
          break
      }
    }
  }
}

if (problems) {
  problems.each { println it }
  System.exit(1)
}
println "${shown}: Declarative Pipeline with stages ${stages.join(', ')}; sh steps run ${scripts ? scripts.join(', ') : 'no project script'}"
