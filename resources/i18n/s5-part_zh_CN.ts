<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ResidentsTab</name>
        <message>
            <source>The verification of {0} is released.</source>
            <translation>已撤销{0}的实名认证。</translation>
        </message>
    </context>
</TS>
