<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EvaluationTab</name>
    <message>
        <source>The member has not written a self-assessment for this year yet.</source>
        <translation>该党员尚未填写本年度个人自评。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>请选择…</translation>
    </message>
    <message>
        <source>Why (optional)</source>
        <translation>测评意见（可不填）</translation>
    </message>
    <message>
        <source>Save the rating</source>
        <translation>保存测评</translation>
    </message>
    <message>
        <source>Self-assessment</source>
        <translation>个人自评</translation>
    </message>
    <message>
        <source>The community’s rating</source>
        <translation>社区测评</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>已填写</translation>
    </message>
    <message>
        <source>Rating saved: it goes to the server at the next sync.</source>
        <translation>测评已保存，将在下次同步时上传。</translation>
    </message>
</context>
</TS>
